NEWSDIGEST_SEARCH.words("0-9",{"cars":["4","","",""],"case":["","","2",""],"wednesday":["","","1",""],"weekly":["","","","0"],"well":["","","","0"]});
