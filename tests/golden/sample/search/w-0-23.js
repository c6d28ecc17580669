NEWSDIGEST_SEARCH.words("0-23",{"sources":["","","","0"],"south":["","1,2","",""]});
