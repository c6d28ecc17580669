NEWSDIGEST_SEARCH.words("0-18",{"dual":["","","","0"],"during":["","","1",""],"efforts":["","","","0"],"ibns":["","","4",""]});
