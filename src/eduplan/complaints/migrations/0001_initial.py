"""Complaints leave the public portal for their own app, keeping every record: the models take
over the portal's tables as they are (``db_table``), so this migration changes Django's state only
and the database is not touched (the portal's migration 0002 drops the models from its state)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('portal', '0002_complaints_move_to_their_own_app'),
        ('registry', '0002_dataversion'),
        ('supervision', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name='Complaint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('tracking_code', models.CharField(editable=False, max_length=16, unique=True, verbose_name='查询码 tracking code')),
                ('category', models.CharField(choices=[('fees', '收费问题 Fees'), ('safety', '安全隐患 Safety'), ('abuse', '虐待、体罚幼儿 Abuse or corporal punishment'), ('teaching', '保教质量、小学化 Teaching and care, primary-style teaching'), ('food_health', '膳食与卫生保健 Food and health care'), ('staff', '教职工资质与师德 Staff qualifications and conduct'), ('other', '其他 Other')], max_length=12, verbose_name='类别 category')),
                ('description', models.TextField(verbose_name='投诉内容 description')),
                ('anonymous', models.BooleanField(default=False, verbose_name='匿名 anonymous')),
                ('status', models.CharField(choices=[('received', '已受理,待答复 Received, awaiting an answer'), ('answered', '已答复 Answered')], default='received', max_length=10, verbose_name='状态 status')),
                ('received_at', models.DateTimeField(verbose_name='受理时间 received')),
                ('received_on', models.DateField(verbose_name='受理日期 received on')),
                ('deadline', models.DateField(verbose_name='答复期限 answer by')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='答复时间 answered')),
                ('answered_on', models.DateField(blank=True, null=True, verbose_name='答复日期 answered on')),
                ('response', models.TextField(blank=True, verbose_name='答复 response')),
                ('escalated', models.BooleanField(default=False, verbose_name='已升级市级督办 escalated to the city')),
                ('escalated_at', models.DateTimeField(blank=True, null=True, verbose_name='升级时间 escalated')),
                ('converted_at', models.DateTimeField(blank=True, null=True, verbose_name='转督导时间 converted')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('finding', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='complaints', to='supervision.finding', verbose_name='督导发现 finding')),
                ('kindergarten', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='registry.institution', verbose_name='幼儿园 kindergarten')),
            ],
            options={
                'db_table': 'portal_complaint',
                'verbose_name': '家长投诉 complaint',
                'verbose_name_plural': '家长投诉 complaints',
                'ordering': ['-received_at', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='ComplaintContact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contact', models.CharField(max_length=100, verbose_name='联系方式 contact')),
                ('complaint', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='contact_record', to='complaints.complaint')),
            ],
            options={
                'db_table': 'portal_complaintcontact',
                'verbose_name': '投诉人联系方式 complainant contact',
                'verbose_name_plural': '投诉人联系方式 complainant contacts',
            },
        ),
        migrations.CreateModel(
            name='ComplaintEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(max_length=16, verbose_name='操作 action')),
                ('at', models.DateTimeField(verbose_name='时间 at')),
                ('note', models.TextField(blank=True, verbose_name='说明 note')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('complaint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='complaints.complaint')),
            ],
            options={
                'db_table': 'portal_complaintevent',
                'verbose_name': '投诉办理记录 complaint event',
                'verbose_name_plural': '投诉办理记录 complaint events',
                'ordering': ['complaint', 'at', 'pk'],
            },
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['status', 'deadline'], name='portal_comp_status_b8f68e_idx'),
        ),
        migrations.AddIndex(
            model_name='complaint',
            index=models.Index(fields=['kindergarten', 'received_on'], name='portal_comp_kinderg_556a60_idx'),
        ),
        migrations.AddConstraint(
            model_name='complaint',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'received'), models.Q(('answered_at__isnull', False), models.Q(('response', ''), _negated=True)), _connector='OR'), name='complaint_answer_has_text_and_time'),
        ),
        migrations.AddConstraint(
            model_name='complaint',
            constraint=models.CheckConstraint(condition=models.Q(('deadline__gte', models.F('received_on'))), name='complaint_deadline_after_receipt'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[]),
    ]
