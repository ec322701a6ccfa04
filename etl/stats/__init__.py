"""Statistics users can trust, with no Dash in them: confidence intervals, funnel limits, SPC.

`intervals` gives Wilson, Byar and exact Poisson intervals named by method; `funnels` the PHE funnel
limits and each point's significance against a comparator; `spc` XmR charts with the Making Data
Count rules and icons. Each is pure numpy/scipy, so pages and the benchmark call them the same way.
"""
