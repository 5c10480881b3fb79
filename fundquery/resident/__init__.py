"""The resident lookup: a villager's own subsidies, what the public may see of a person, the lookup audit."""
