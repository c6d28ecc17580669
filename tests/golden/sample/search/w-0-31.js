NEWSDIGEST_SEARCH.words("0-31",{"aimed":["","","0",""]});
