"""The clinical record. Its first page, the client chart, reads what the apps to its left
keep (screenings and their overrides, appointments); consent, charting, photos and outcomes
arrive with the clinical-record issue."""
