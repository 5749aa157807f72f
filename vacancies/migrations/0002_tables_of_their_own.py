"""The moved tables get this app's names; the figures' messages are the model's own."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('vacancies', '0001_initial'),
        ('facilities', '0006_vacancies_move_to_their_app'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='vacancyfigure',
            new_name='vacancy_month_service_idx',
            old_name='facilities__month_784d5c_idx',
        ),
        migrations.AlterField(
            model_name='vacancyfigure',
            name='for_whom',
            field=models.CharField(choices=[('any', '問わず'), ('male', '男性'), ('female', '女性')], default='any', error_messages={'invalid_choice': '対象は「問わず」「男性」「女性」のどれかにしてください。'}, help_text='空きを受け入れられる方(問わず・男性・女性)。', max_length=10, verbose_name='対象'),
        ),
        migrations.AlterField(
            model_name='vacancyfigure',
            name='note',
            field=models.CharField(blank=True, error_messages={'max_length': '備考は200文字までです。'}, help_text='例: 体験利用のみ可。公開ページに出ます。', max_length=200, verbose_name='備考'),
        ),
        migrations.AlterField(
            model_name='vacancyfigure',
            name='vacancies',
            field=models.PositiveSmallIntegerField(blank=True, help_text='空欄は「未回答」として扱います。', null=True, validators=[django.core.validators.MaxValueValidator(999, message='空き人数が大きすぎます(999人まで)。')], verbose_name='空き人数'),
        ),
        migrations.AlterModelTable(
            name='vacancyfigure',
            table=None,
        ),
        migrations.AlterModelTable(
            name='vacancypage',
            table=None,
        ),
        migrations.AlterModelTable(
            name='vacancysettings',
            table=None,
        ),
    ]
