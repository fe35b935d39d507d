"""Coded values of the registry, Chinese first. Codes (the left side) are stable English keys used
in files, the API and the plan; labels are for people."""

from django.db import models


class DivisionLevel(models.TextChoices):
    PROVINCE = "province", "省 Province"
    CITY = "city", "市 City"
    COUNTY = "county", "县(市、区) County"
    TOWNSHIP = "township", "乡镇(街道) Township"
    VILLAGE = "village", "村(社区) Village"


class DivisionType(models.TextChoices):
    """Kind of division by name (GB/T 2260 township codes: 街道 0xx, 镇 1xx, 乡 2xx)."""

    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区"
    COUNTY = "county", "县"
    COUNTY_CITY = "county_city", "县级市"
    SUBDISTRICT = "subdistrict", "街道"
    TOWN = "town", "镇"
    TOWNSHIP = "township", "乡"
    VILLAGE = "village", "村"
    COMMUNITY = "community", "社区"
    OTHER = "other", "其他"


class Locality(models.TextChoices):
    """Statistics' location cut: 城区 / 镇区 / 乡村."""

    URBAN = "urban", "城区 Urban"
    TOWN = "town", "镇区 Town"
    RURAL = "rural", "乡村 Rural"


class Sex(models.TextChoices):
    MALE = "M", "男 Male"
    FEMALE = "F", "女 Female"


class PopulationBasis(models.TextChoices):
    """Resident (常住) and registered (户籍) population are different numbers and are kept apart."""

    RESIDENT = "resident", "常住人口 Resident"
    REGISTERED = "registered", "户籍人口 Registered"


class InstitutionKind(models.TextChoices):
    KINDERGARTEN = "kindergarten", "幼儿园 Kindergarten"
    ATTACHED_CLASS = "attached", "小学附设幼儿班 Preschool class attached to a primary school"
    HIGH_SCHOOL = "high_school", "普通高中 General high school"
    VOCATIONAL = "vocational", "中等职业学校 Secondary vocational school"
    JUNIOR_MIDDLE = "junior_middle", "初级中学 Junior middle school"


PRESCHOOL_KINDS = (InstitutionKind.KINDERGARTEN, InstitutionKind.ATTACHED_CLASS)
HIGH_SCHOOL_STAGE_KINDS = (InstitutionKind.HIGH_SCHOOL, InstitutionKind.VOCATIONAL)


class Ownership(models.TextChoices):
    PUBLIC = "public", "公办 Public"
    PRIVATE_NONPROFIT = "private_nonprofit", "民办非营利性 Private non-profit"
    PRIVATE_FORPROFIT = "private_forprofit", "民办营利性 Private for-profit"


class Sponsor(models.TextChoices):
    """Statistics' sponsor cut (举办者). The first five are public (公办) sponsors."""

    EDUCATION_DEPT = "education", "教育部门办 Education department"
    OTHER_DEPT = "other_dept", "其他部门办 Other government department"
    STATE_ENTERPRISE = "state_enterprise", "国有企事业单位办 State enterprise or institution"
    SUBDISTRICT = "subdistrict", "街道办 Sub-district"
    COLLECTIVE = "collective", "集体办 Village collective"
    PRIVATE = "private", "民办 Private (社会力量办)"


class LicenceStatus(models.TextChoices):
    LICENSED = "licensed", "已取得办学许可 Licensed"
    TEACHING_POINT = "teaching_point", "办园点 Approved teaching point"
    UNLICENSED = "unlicensed", "无证园 Unlicensed"


class KindergartenGrade(models.TextChoices):
    """The nine Yunnan grades (云教基〔2017〕18号); "first level" means any 一级 grade."""

    L1_1 = "1-1", "一级一等"
    L1_2 = "1-2", "一级二等"
    L1_3 = "1-3", "一级三等"
    L2_1 = "2-1", "二级一等"
    L2_2 = "2-2", "二级二等"
    L2_3 = "2-3", "二级三等"
    L3_1 = "3-1", "三级一等"
    L3_2 = "3-2", "三级二等"
    L3_3 = "3-3", "三级三等"
    UNRATED = "", "未评级 Unrated"


class ServiceType(models.TextChoices):
    FULL_DAY = "full_day", "全日制 Full-day"
    HALF_DAY = "half_day", "半日制 Half-day"
    BOARDING = "boarding", "寄宿制 Boarding"


class HighSchoolRating(models.TextChoices):
    """Yunnan high school ratings; the plan's "一级高(完)中" is any 省一级 grade."""

    P1_1 = "p1-1", "省一级一等"
    P1_2 = "p1-2", "省一级二等"
    P1_3 = "p1-3", "省一级三等"
    P2 = "p2", "省二级"
    P3 = "p3", "省三级"
    UNRATED = "", "未评级 Unrated"


FIRST_LEVEL_KG_GRADES = (KindergartenGrade.L1_1, KindergartenGrade.L1_2, KindergartenGrade.L1_3)
FIRST_LEVEL_HS_RATINGS = (HighSchoolRating.P1_1, HighSchoolRating.P1_2, HighSchoolRating.P1_3)


class AgeGroup(models.TextChoices):
    """Class age groups (幼儿园工作规程 art. 11), junior middle school grades and high school
    grades."""

    NURSERY = "nursery", "托班 (2–3)"
    SMALL = "small", "小班 (3–4)"
    MIDDLE = "middle", "中班 (4–5)"
    LARGE = "large", "大班 (5–6)"
    MIXED = "mixed", "混合班 Mixed"
    GRADE_7 = "g7", "初一 Grade 7"
    GRADE_8 = "g8", "初二 Grade 8"
    GRADE_9 = "g9", "初三 Grade 9"
    GRADE_10 = "g10", "高一 Grade 10"
    GRADE_11 = "g11", "高二 Grade 11"
    GRADE_12 = "g12", "高三 Grade 12"
    VOC_1 = "v1", "中职一年级"
    VOC_2 = "v2", "中职二年级"
    VOC_3 = "v3", "中职三年级"


#: The senior grades (高中): high-school measures count these only, so a complete school's (完中)
#: junior sections count with junior schools.
SENIOR_GRADES = (AgeGroup.GRADE_10, AgeGroup.GRADE_11, AgeGroup.GRADE_12)


class StaffRole(models.TextChoices):
    """Staff categories of 幼儿园教职工配备标准 and the statistics' categories."""

    PRINCIPAL = "principal", "园长/校长 Principal"
    VICE_PRINCIPAL = "vice_principal", "副园长/副校长 Vice principal"
    TEACHER = "teacher", "专任教师 Teacher"
    NURSERY = "nursery", "保育员 Nursery worker"
    HEALTH = "health", "卫生保健人员 Health staff"
    COOK = "cook", "炊事员 Cook"
    SECURITY = "security", "保安 Security guard"
    ADMIN = "admin", "行政人员 Administrator"
    SUPPORT = "support", "教辅人员 Support"
    SERVICE = "service", "工勤人员 Service worker"


class Certificate(models.TextChoices):
    NONE = "", "无 None"
    KINDERGARTEN_TEACHER = "kg_teacher", "幼儿园教师资格证"
    PRIMARY_TEACHER = "primary_teacher", "小学教师资格证"
    SECONDARY_TEACHER = "secondary_teacher", "中学教师资格证"
    PRINCIPAL = "principal", "园长/校长任职资格证"
    NURSERY = "nursery", "保育员证"
    HEALTH = "health", "卫生保健人员资格(健康证及培训合格证)"
    COOK = "cook", "厨师证/健康证"
    SECURITY = "security", "保安员证"
    OTHER = "other", "其他证书"


class Employment(models.TextChoices):
    ESTABLISHMENT = "establishment", "在编 Establishment (编制)"
    PURCHASED = "purchased", "政府购买服务 Government-purchased service"
    CONTRACT = "contract", "合同聘用 Contract"


class ManagementPost(models.TextChoices):
    """County management network posts the plan requires."""

    PRESCHOOL_ADMIN = "preschool_admin", "学前管理专干 Preschool administrator"
    PRESCHOOL_RESEARCHER = "preschool_researcher", "幼教专职教研员 Preschool researcher"


class PairingKind(models.TextChoices):
    KG_SUPPORT = "kg_support", "一级园帮扶 First-level kindergarten support"
    HS_TRUSTEESHIP = "hs_trusteeship", "县中托管帮扶 County high school trusteeship"


class Role(models.TextChoices):
    CITY_OFFICER = "city_officer", "市级教育局干部 City officer"
    COUNTY_OFFICER = "county_officer", "县级教育局干部 County officer"
    SUPERVISOR = "supervisor", "责任督学 Supervisor"
    PRINCIPAL = "principal", "园长/校长 Principal"
    VIEWER = "viewer", "查看者 Viewer"
