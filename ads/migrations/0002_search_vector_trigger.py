"""Full-text search on PostgreSQL: a trigger keeps ads_ad.search_vector current and a
GIN index serves it. SQLite (the embedded default) searches with a plain scan."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ads_ad_search_vector_update() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('dutch', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('dutch', coalesce(NEW.description, '')), 'B');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER ads_ad_search_vector
    BEFORE INSERT OR UPDATE OF title, description, search_vector ON ads_ad
    FOR EACH ROW EXECUTE FUNCTION ads_ad_search_vector_update();
CREATE INDEX ad_search_idx ON ads_ad USING gin (search_vector);
"""

BACKWARD = """
DROP INDEX IF EXISTS ad_search_idx;
DROP TRIGGER IF EXISTS ads_ad_search_vector ON ads_ad;
DROP FUNCTION IF EXISTS ads_ad_search_vector_update();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("ads", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
