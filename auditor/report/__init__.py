"""The lab-wide report: its data (``data``), SVG charts (``charts``) and HTML/Markdown (``render``)."""
