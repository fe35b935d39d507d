"""Words the demo builds names from, and the words it plants in non-compliant names.

Clean names are built from place names and the neutral words below, which contain nothing the
name clean-up of targets (banned words, foreign words or places, one-sided feature
words, religious words, Latin letters, a public school's name). A place name that happens to hold
such a word (观音山, 大佛寺镇, 恩和俄罗斯族民族乡) is not used in a clean name: see
:func:`looks_clean`, which is deliberately stricter than the rule (it ignores the rule's place-name
exceptions) so that nothing clean can ever be flagged.

The planted words are one category each, so a planted name breaks exactly one naming rule.
"""

from __future__ import annotations

import re

#: words, one list per planted kind (STANDARDS.md "Kindergarten naming").
BANNED_WORDS = ("中国", "中华", "全国", "国际", "世界", "全球")
FEATURE_WORDS = ("双语", "艺术", "国学", "私塾")
FOREIGN_PLACES = ("维也纳", "剑桥", "伦敦", "巴黎", "悉尼", "威尼斯", "纽约", "温哥华", "牛津")
FOREIGN_WORDS = ("蒙特梭利", "迪士尼", "华德福", "奥尔夫")
RELIGIOUS_WORDS = ("福音", "基督", "天主", "菩提", "观音", "佛光", "禅心")
LATIN_WORDS = ("Baby", "Kids", "ABC", "Happy", "Sunny", "Smile")

#: Never in a clean name (superset of the planted words and the usual suspects).
UNCLEAN_FRAGMENTS = (
    *BANNED_WORDS,
    "国家",
    "环球",
    *FEATURE_WORDS,
    "中英",
    "英语",
    "外语",
    *FOREIGN_PLACES,
    *FOREIGN_WORDS,
    "蒙氏",
    *RELIGIOUS_WORDS,
    "佛",
    "禅",
    "寺",
    "庙",
    "庵",
    "观",
    "圣",
    "教堂",
    "清真",
    "耶稣",
    "伊甸",
    "美国",
    "英国",
    "法国",
    "德国",
    "日本",
    "韩国",
    "朝鲜",
    "俄罗斯",
    "加拿大",
    "澳大利亚",
    "新加坡",
    "意大利",
    "西班牙",
    "瑞士",
    "荷兰",
    "芬兰",
    "欧洲",
    "哈佛",
    "耶鲁",
)
#: A private kindergarten's clean name never contains these (they suggest a public school).
PUBLIC_SCHOOL_FRAGMENTS = (
    "小学",
    "中学",
    "一中",
    "二中",
    "附属",
    "附中",
    "附小",
    "实验",
    "中心",
    "第",
    "机关",
)

_FOREIGN_SCRIPT = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]")

#: Neutral words for private kindergartens (no 国/艺/英/圣/佛…; checked by :func:`looks_clean`).
PRIVATE_KG_WORDS = (
    "阳光",
    "育苗",
    "春苗",
    "向日葵",
    "小太阳",
    "星星",
    "彩虹",
    "童心",
    "蓝天",
    "启明",
    "小白鸽",
    "快乐",
    "苗苗",
    "雏鹰",
    "新苗",
    "七彩",
    "花朵",
    "晨曦",
    "童趣",
    "春蕾",
    "晨光",
    "小树苗",
    "金苹果",
    "小海豚",
    "百灵鸟",
    "蒲公英",
    "满天星",
    "小蜜蜂",
    "绿叶",
    "小脚丫",
    "爱心",
    "乐乐",
    "童馨",
    "明珠",
    "启智",
    "新星",
    "金色摇篮",
    "雨露",
    "春晖",
    "朝阳",
    "银杏",
    "木棉",
    "山茶",
    "杜鹃",
    "茉莉",
    "小白兔",
    "开心果",
    "小橘灯",
    "红苹果",
    "小星星",
)
#: Private high schools: "{county}{word}高级中学".
PRIVATE_HS_WORDS = (
    "育才",
    "明德",
    "致远",
    "求实",
    "崇文",
    "启航",
    "立达",
    "弘毅",
    "树人",
    "新知",
    "博雅",
    "笃行",
)
#: Synthetic village names: first + second syllable + 村.
VILLAGE_FIRST = (
    "大",
    "小",
    "新",
    "老",
    "上",
    "下",
    "东",
    "西",
    "南",
    "北",
    "前",
    "后",
    "高",
    "中",
    "长",
    "石",
    "青",
    "白",
    "黄",
    "红",
)
VILLAGE_SECOND = (
    "坪",
    "河",
    "山",
    "田",
    "营",
    "寨",
    "塘",
    "坝",
    "沟",
    "湾",
    "庄",
    "哨",
    "冲",
    "箐",
    "甸",
    "屯",
    "桥",
    "口",
    "岭",
    "坡",
    "林",
    "溪",
    "龙",
    "松",
)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡"
    "贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷"
    "钱汤尹易常武乔贺赖龚文普李施龙杞"
)
GIVEN_FEMALE = "丽芳娟敏静燕艳霞婷玲红梅琳萍雪慧颖洁倩佳欣悦怡琴瑶蓉莉晶丹蕾秀兰凤云月琼"
GIVEN_MALE = "伟强磊军勇杰涛斌明超刚平辉鹏飞鑫波宇浩凯健俊峰林东亮宏志彬兵昆武成荣"

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五 (class and school ordinals)."""
    if n <= 0:
        raise ValueError("ordinals start at 1")
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 20:
        return "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CHINESE_DIGITS[n // 10] + "十" + (CHINESE_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        head = CHINESE_DIGITS[n // 100] + "百"
        if rest == 0:
            return head
        if rest < 10:
            return head + "零" + CHINESE_DIGITS[rest]
        return head + (CHINESE_DIGITS[rest // 10] + "十" + (CHINESE_DIGITS[rest % 10] if rest % 10 else ""))
    return str(n)


def looks_clean(name: str) -> bool:
    """True if nothing in ``name`` could be read as a naming problem (strict)."""
    if _FOREIGN_SCRIPT.search(name):
        return False
    return not any(fragment in name for fragment in UNCLEAN_FRAGMENTS)


def looks_clean_private(name: str) -> bool:
    """Stricter still for private kindergartens: nothing that suggests a public school."""
    return looks_clean(name) and not any(fragment in name for fragment in PUBLIC_SCHOOL_FRAGMENTS)


_SUFFIXES = ("自治县", "自治旗", "街道", "林区", "特区", "县", "区", "市", "旗", "镇", "乡", "苏木")
_ETHNIC = (
    "哈尼",
    "彝",
    "傣",
    "苗",
    "回",
    "白",
    "壮",
    "瑶",
    "藏",
    "蒙古",
    "布依",
    "侗",
    "土家",
    "纳西",
    "傈僳",
    "拉祜",
    "佤",
    "景颇",
    "布朗",
    "普米",
    "怒",
    "阿昌",
    "独龙",
    "基诺",
    "德昂",
    "满",
    "朝鲜",
    "维吾尔",
    "哈萨克",
    "畲",
    "水",
    "仡佬",
    "羌",
    "锡伯",
    "达斡尔",
    "鄂温克",
    "鄂伦春",
    "赫哲",
    "撒拉",
    "东乡",
    "保安",
    "裕固",
    "塔吉克",
    "柯尔克孜",
    "俄罗斯",
    "京",
    "黎",
    "毛南",
    "仫佬",
    "土",
    "门巴",
    "珞巴",
    "高山",
    "乌孜别克",
    "塔塔尔",
)


def short_name(name: str) -> str:
    """A division's short name: 小石桥彝族乡 → 小石桥, 元江哈尼族彝族傣族自治县 → 元江, 红塔区 → 红塔.

    Names of two characters (e.g. 易门县 → 易门) keep what is left; a one-character remainder keeps
    the full name (e.g. 沙县 stays 沙县)."""
    base = name
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) > len(suffix):
            base = base[: -len(suffix)]
            break
    if base.endswith("民族"):
        base = base[:-2]
    changed = True
    while changed and base.endswith("族"):
        changed = False
        for group in sorted(_ETHNIC, key=len, reverse=True):
            if base.endswith(group + "族") and len(base) > len(group) + 1:
                base = base[: -(len(group) + 1)]
                changed = True
                break
    return base if len(base) >= 2 else name
