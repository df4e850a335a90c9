"""The reports app's pages, by part: typing and approving forms (``entry``), analysis
(pivot, dashboards, public statistics) and downloads."""
