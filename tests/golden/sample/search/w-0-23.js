NEWSDIGEST_SEARCH.words("0-23",{"sourav":["7","","",""],"sources":["","","","0"],"south":["","1,3,2","",""]});
