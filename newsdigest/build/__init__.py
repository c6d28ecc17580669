"""The build: content/ and site.toml into output/ (pipeline.build is where it starts)."""
