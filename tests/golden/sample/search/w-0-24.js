NEWSDIGEST_SEARCH.words("0-24",{"address":["","","","0"],"administration":["","","","0"],"illegal":["5","","",""],"over":["","","1","0"],"value":["","","","0"]});
