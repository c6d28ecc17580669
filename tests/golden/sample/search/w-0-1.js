NEWSDIGEST_SEARCH.words("0-1",{"awaiting":["","","","0"],"pti":["","","","0"],"youtuber":["4","","",""]});
