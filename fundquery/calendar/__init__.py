"""Working days in China: the holiday table, reading the State Council notice, publication timeliness."""
