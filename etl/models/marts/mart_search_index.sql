-- Everything the dashboard's search box finds, one row per entry: practices (by ODS code, name or
-- postcode), PCNs, sub-ICBs, councils and localities (by code or name), and ICBs (by code or name: one
-- entry for each of their sub-ICBs, since no page filters by ICB). Each entry carries the filter and code
-- its link selects, its words for matching (search_text: case, accents and punctuation made alike) and,
-- for a practice, where its postcode is (dim_postcode), for the nearest practices to a postcode.
-- The entities are the ones the filter bar accepts (dashboard/queries/filters__*.sql), so every link works.
with practices as (
    select
        practices.practice_code,
        practices.practice_name,
        practices.postcode,
        postcode_key(practices.postcode) as postcode_key,
        practices.pcn_name,
        practices.status
    from {{ ref('dim_practice') }} as practices
    where practices.last_registration_quarter is not null
),

located_practices as (
    select
        practices.*,
        postcodes.latitude,
        postcodes.longitude
    from practices
    left join {{ ref('dim_postcode') }} as postcodes using (postcode_key)
),

entries as (
    select
        'practice' as kind,
        practice_code as code,
        practice_name as name,
        concat_ws(', ', postcode, pcn_name, case when status = 'closed' then 'closed' end) as detail,
        'practice' as link_key,
        practice_code as link_code,
        postcode,
        latitude,
        longitude,
        -- the postcode as typed with and without its space
        concat_ws(' ', practice_name, practice_code, postcode, postcode_key) as words
    from located_practices
    union all
    select
        'pcn',
        pcn_code,
        pcn_name,
        null,
        'pcn',
        pcn_code,
        null,
        null,
        null,
        concat_ws(' ', pcn_name, pcn_code)
    from {{ ref('dim_pcn') }}
    union all
    select
        'sub_icb',
        sub_icb_code,
        sub_icb_name,
        icb_name,
        'sub_icb',
        sub_icb_code,
        null,
        null,
        null,
        concat_ws(' ', sub_icb_name, sub_icb_code, ons_sub_icb_code)
    from {{ ref('dim_sub_icb') }}
    union all
    select
        'icb',
        icb_code,
        icb_name,
        sub_icb_name,
        'sub_icb',
        sub_icb_code,
        null,
        null,
        null,
        concat_ws(' ', icb_name, icb_code, ons_icb_code)
    from {{ ref('dim_sub_icb') }}
    where icb_code is not null
    union all
    select
        'council',
        council_code,
        council_name,
        null,
        'council',
        council_code,
        null,
        null,
        null,
        concat_ws(' ', council_name, council_code)
    from {{ ref('dim_council') }}
    where is_social_care_council and is_english
    union all
    select
        'locality',
        locality_code,
        locality_name,
        council_name,
        'locality',
        locality_code,
        null,
        null,
        null,
        concat_ws(' ', locality_name, locality_code)
    from {{ ref('dim_locality') }}
),

final as (
    select
        row_number() over (order by kind, code, link_code) as entry_id,
        kind,
        code,
        name,
        detail,
        link_key,
        link_code,
        postcode,
        latitude,
        longitude,
        -- sorted, so two builds of the same files write the same list; the code is also one word without its
        -- punctuation ('LOC-E06090001-02' typed as LOCE0609000102)
        list_sort(list_distinct(list_append(
            list_filter(string_split(search_text(words), ' '), lambda word: word != ''),
            regexp_replace(upper(code), '[^A-Z0-9]', '', 'g')
        ))) as words
    from entries
)

select * from final
