NEWSDIGEST_SEARCH.words("0-11",{"imposed":["","","","0"]});
