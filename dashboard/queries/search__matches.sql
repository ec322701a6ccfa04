-- The search box's matches for what was typed ($text: search_text form, words separated by one space),
-- best first. Every word typed must find a word of the entry; each finds its best, scored:
--   1.0 the same word; 0.9 the start of a word ('WYV' finds WYVERNFORD);
--   0.8 less 0.1 an edit: a word within a few typing slips of a whole word, or of a word's start;
-- where a slip is one damerau_levenshtein edit (a letter added, dropped, changed or two swapped), and a word
-- of 1-2 characters may have none, 3-5 one and longer two (Elasticsearch's "AUTO" fuzziness; shorter words
-- would find too much), but a word with a digit in it (a code, a postcode) one at most: two slips in a
-- six-character code reach codes of other kinds ('A00004' is two from the PCN U00001). The first letter
-- must be right (Elasticsearch's prefix_length 1): people seldom slip on it, and comparing each typed word
-- only with the index's words of the same first letter, each once (mart_search_words), is what keeps a
-- search of England's 9,000 entries (55,000 words, 27,000 distinct) within a few tens of milliseconds.
-- An entry scores the mean of its typed words' best, and only entries within 0.25 of the best score are
-- listed (so 'Y90008' lists that practice, not every code a slip from it); ties go to the entry with fewer
-- words (more of it was typed), then the practices, then by name.
-- $practices_only narrows it to the practices the other filters leave ($council, $locality, $sub_icb, $pcn:
-- the selected_practices macro's rule), for the filter bar's practice search.
with typed as (
    select distinct unnest(string_split($text, ' ')) as typed_word
),

allowed as (
    select
        typed_word,
        length(typed_word) as typed_length,
        case
            when length(typed_word) <= 2 then 0
            when length(typed_word) <= 5 or regexp_matches(typed_word, '[0-9]') then 1
            else 2
        end as slips
    from typed
    where typed_word != ''
),

word_scores as (
    select
        words.entry_ids,
        allowed.typed_word,
        case
            when words.word = allowed.typed_word then 1.0
            when starts_with(words.word, allowed.typed_word) then 0.9
            when allowed.slips = 0 then 0.0
            when
                abs(length(words.word) - allowed.typed_length) <= allowed.slips
                and damerau_levenshtein(words.word, allowed.typed_word) <= allowed.slips
                then 0.8 - 0.1 * damerau_levenshtein(words.word, allowed.typed_word)
            when
                length(words.word) > allowed.typed_length
                and damerau_levenshtein(left(words.word, allowed.typed_length), allowed.typed_word)
                <= allowed.slips
                then 0.8 - 0.1 * damerau_levenshtein(left(words.word, allowed.typed_length), allowed.typed_word)
            else 0.0
        end as word_score
    from mart_search_words as words
    inner join allowed on left(words.word, 1) = left(allowed.typed_word, 1)
),

pairs as (
    select
        unnest(entry_ids) as entry_id,
        typed_word,
        word_score
    from word_scores
    where word_score > 0
),

best as (
    select
        entry_id,
        typed_word,
        max(word_score) as word_score
    from pairs
    group by entry_id, typed_word
),

scored as (
    select
        entry_id,
        avg(word_score) as score
    from best
    group by entry_id
    having min(word_score) > 0 and count(*) = (select count(*) from allowed)
),

eligible as (
    select entry_id
    from mart_search_index
    where
        not $practices_only
        or (kind = 'practice' and code in (
            select practice_code
            from selected_practices(
                $council, $locality, $sub_icb, $pcn, null, deprivation := $deprivation,
                group_practices := $group_practices
            )
        ))
),

final as (
    select
        entries.kind,
        entries.code,
        entries.name,
        entries.detail,
        entries.link_key,
        entries.link_code,
        round(scored.score, 4) as score
    from scored
    inner join eligible using (entry_id)
    inner join mart_search_index as entries using (entry_id)
    qualify scored.score >= max(scored.score) over () - 0.25
    order by
        scored.score desc,
        length(entries.words),
        entries.kind != 'practice',
        entries.name,
        entries.code,
        entries.link_code
    limit $max_rows
)

select * from final
