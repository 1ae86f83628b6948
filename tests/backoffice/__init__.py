"""Back-office pages that are not one domain app's own."""
