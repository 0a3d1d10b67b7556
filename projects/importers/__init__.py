"""Importers that turn documents from outside sources into data the project registry can store."""
