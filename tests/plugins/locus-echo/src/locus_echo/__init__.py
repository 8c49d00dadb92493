"""A sample third-party locus plugin living outside the monorepo's packages/."""
