# Lighter suggestion indexes for ingestion speed: drop indexes that another one covers (kind; match_type and
# record_type under their composite; evidence.suggestion under the unique (suggestion, document)) and the
# PostgreSQL "_like" copies of fingerprint, kind and status (no LIKE query uses them).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('partners', '0001_initial'),
        ('suggestions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='suggestion',
            name='fingerprint',
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name='suggestion',
            name='kind',
            field=models.CharField(choices=[('organisation', 'New organisation'), ('person', 'New person'), ('post', 'Post'), ('activity', 'Activity'), ('partnership_change', 'Partnership change'), ('aid_commitment', 'Aid commitment'), ('figure', 'Figure')], max_length=24, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='suggestion',
            name='match_type',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AlterField(
            model_name='suggestion',
            name='record_type',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AlterField(
            model_name='suggestion',
            name='status',
            field=models.CharField(choices=[('pending', 'Pending'), ('accepted', 'Accepted'), ('merged', 'Merged'), ('rejected', 'Rejected')], default='pending', max_length=12, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='suggestionevidence',
            name='suggestion',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='suggestions.suggestion'),
        ),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(fields=['status'], name='suggestion_status_idx'),
        ),
        migrations.AddConstraint(
            model_name='suggestion',
            constraint=models.UniqueConstraint(fields=('fingerprint',), name='suggestion_fingerprint_unique'),
        ),
    ]
