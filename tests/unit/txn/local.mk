# tests/unit/txn: (filled in by its owner)
