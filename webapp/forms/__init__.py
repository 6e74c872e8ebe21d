"""WTForms classes built from questionnaire definitions (see `sections.py`)."""
