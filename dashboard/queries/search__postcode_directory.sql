-- Whether this build can place a postcode: how many postcodes the postcode directory gave a place.
select count(*) as located_postcodes
from dim_postcode
