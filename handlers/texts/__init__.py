"""Text catalogs, one module per feature; see handlers.i18n."""
