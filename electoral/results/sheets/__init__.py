"""The tally sheet as evidence: QR-coded printed sheets, images, scans at intake, recalls, intake log."""
