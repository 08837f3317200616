"""The lab-wide report: its data (``data``), SVG charts (``charts``), HTML and Markdown
(``render``)."""
