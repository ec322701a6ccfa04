-- The search index turned inside out: each word of mart_search_index once, with the entries it is a word of.
-- The dashboard's search compares what was typed with each word once (dashboard/queries/search__matches.sql),
-- not with every entry's copy of it: England's 9,000 entries have 55,000 words but 27,000 distinct ones.
with entry_words as (
    select
        entry_id,
        unnest(words) as word
    from {{ ref('mart_search_index') }}
),

final as (
    select
        word,
        list(entry_id order by entry_id) as entry_ids
    from entry_words
    group by word
    order by word
)

select * from final
