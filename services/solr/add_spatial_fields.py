"""Copy CKAN's Solr schema.xml, adding the fields of ckanext-spatial's bbox search.

ckanext-spatial's default "solr-bbox" backend indexes each dataset's extent
as four coordinates and an area, and ranks results by overlap with them.
Usage: python add_spatial_fields.py CKAN_SCHEMA_XML OUTPUT_XML
"""
import sys

SPATIAL_FIELDS = """
    <!-- ckanext-spatial, solr-bbox backend: the dataset extent. -->
    <field name="bbox_area" type="float" indexed="true" stored="true" />
    <field name="maxx" type="float" indexed="true" stored="true" />
    <field name="maxy" type="float" indexed="true" stored="true" />
    <field name="minx" type="float" indexed="true" stored="true" />
    <field name="miny" type="float" indexed="true" stored="true" />
"""

ANCHOR = '<field name="_version_"'


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as handle:
        schema = handle.read()

    if 'name="bbox_area"' not in schema:
        if ANCHOR not in schema:
            sys.exit(f"{source}: no {ANCHOR!r} line to insert the spatial fields before")
        schema = schema.replace(ANCHOR, SPATIAL_FIELDS.strip() + "\n    " + ANCHOR, 1)

    with open(target, "w", encoding="utf-8") as handle:
        handle.write(schema)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
