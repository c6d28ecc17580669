NEWSDIGEST_SEARCH.words("0-15",{"flags":["4","","",""]});
