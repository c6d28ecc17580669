NEWSDIGEST_SEARCH.words("0-25",{"general":["","","","0"],"platforms":["","","5",""],"player":["","","","0"],"said":["","","2","0"],"say":["","","","0"],"use":["","","","0"]});
