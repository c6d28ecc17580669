NEWSDIGEST_SEARCH.words("15",{"aimed":["","","0",""],"flags":["3","","",""]});
