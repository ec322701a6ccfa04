-- Every indicator definition (etl/indicators/*.yml as loaded into ref_indicators), with its source's title:
-- joint-working indicators first, in code order, then outcome measures by name.
select
    indicators.indicator_id,
    indicators.kind,
    indicators.name,
    indicators.domain,
    indicators.definition,
    indicators.numerator,
    indicators.denominator,
    indicators.unit,
    indicators.multiplier,
    indicators.polarity,
    indicators.source,
    coalesce(sources.title, indicators.source) as source_title,
    array_to_string(indicators.source_labels, '; ') as source_labels,
    indicators.scoring_kind,
    indicators.scoring_target,
    indicators.why_it_matters,
    indicators.definition_file
from ref_indicators as indicators
left join meta_sources as sources using (source)
order by
    indicators.kind = 'outcome',
    case when indicators.kind = 'outcome' then indicators.name else indicators.indicator_id end
