"""Importers: read the law in the format it is published in and yield records of the project's JSON-lines shape
(the fields the mirror's records have; see ../shared/corpora/README.md)."""
