NEWSDIGEST_SEARCH.words("0-11",{"immigration":["","8","",""],"imposed":["","","","0"]});
