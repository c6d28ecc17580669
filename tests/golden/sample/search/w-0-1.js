NEWSDIGEST_SEARCH.words("0-1",{"awaiting":["","","","0"],"dhaka":["6","","",""],"pti":["","","","0"],"youtuber":["5","","",""]});
