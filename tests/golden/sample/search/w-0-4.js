NEWSDIGEST_SEARCH.words("0-4",{"bihar":["","1","",""],"electric":["","","","0"],"elements":["","","","0"],"touch":["","","","0"],"vehicles":["","","","0"],"veil":["","","1",""]});
