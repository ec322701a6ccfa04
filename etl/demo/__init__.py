"""A deterministic generator of a fictional area, written as raw files in the real published layouts.

    from etl.demo import generate
    manifest = generate(Path("data/demo"), seed=42, scale="demo")   # or scale="england"

Modules: fictional (every invented name and code range), scales (the two sizes), geography
(points, outline, Voronoi cells), areas (LSOA -> LAD -> council, NHS areas, localities, 2011 codes),
practices (practices, PCNs, ODS organisations), registrations (practice x LSOA counts, age bands),
postcodes, writers (the file layouts and their quirks) and generate (orchestration and manifest).
The practice-side sources: months (the monthly timeline and lists), adoption (who adopts joint
working, when, and the planted effect), activity (SUS), fingertips, social_care (council extracts)
and joint_working (the quarterly return).
"""

from etl.demo.generate import generate

__all__ = ["generate"]
