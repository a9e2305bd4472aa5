"""The languages the interface speaks: which ones, their direction, how the reader's language is
chosen, and everything written for a reader in their language (dates, numbers, money, country
names, the order of names, the search form of a text). The catalogues live in ../translations."""
