NEWSDIGEST_SEARCH.words("0-19",{"amid":["0,6","","1",""],"earth":["0","","",""],"earths":["","0","",""],"ease":["","","0",""],"easing":["","","","0"]});
