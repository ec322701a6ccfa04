-- Which way is better for one outcome measure (ref_indicators.polarity), for its SPC chart.
select polarity from ref_indicators
where indicator_id = $measure
