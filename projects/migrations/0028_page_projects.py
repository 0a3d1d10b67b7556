"""`PageProject`: the temporary table of one request's matching projects. Not managed: each
request that needs it creates and drops it (`aggregates.page_projects`)."""

import django.core.validators
from decimal import Decimal
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0027_owner_totals'),
    ]

    operations = [
        migrations.CreateModel(
            name='PageProject',
            fields=[
                ('id', models.BigIntegerField(primary_key=True, serialize=False)),
                ('owner_legal_form', models.CharField(blank=True, choices=[('1', 'Dödsbo'), ('2', 'Stat, region, kommun eller församling'), ('3', 'Utländskt företag'), ('5', 'Aktiebolag'), ('6', 'Enkelt bolag'), ('7', 'Ekonomisk förening'), ('8', 'Ideell förening eller stiftelse'), ('9', 'Handelsbolag eller kommanditbolag'), ('P', 'Enskild näringsidkare'), ('', 'Okänd')], db_default='', default='', editable=False, max_length=1, verbose_name='projektägarens juridiska form')),
                ('is_demo', models.BooleanField(default=False, editable=False, help_text='Skapad av generate_demo; inte ett verkligt projekt.', verbose_name='demodata')),
                ('start_date', models.DateField(verbose_name='startdatum')),
                ('end_date', models.DateField(verbose_name='slutdatum')),
                ('esf_grant', models.BigIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='beviljat ESF-stöd (kr)')),
                ('total_budget', models.BigIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(0)], verbose_name='total projektbudget (kr)')),
                ('cofinancing_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='unionens medfinansieringsgrad (%)')),
                ('planned_participants', models.PositiveIntegerField(blank=True, null=True, verbose_name='planerat antal deltagare')),
                ('participant_goal', models.PositiveIntegerField(blank=True, help_text='Hur många deltagare som ska gå till arbete eller studier, om det anges.', null=True, verbose_name='deltagarmål')),
            ],
            options={
                'db_table': 'page_projects',
                'managed': False,
            },
        ),
    ]
