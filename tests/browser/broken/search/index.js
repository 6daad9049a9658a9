gk.index({"format":1,"dir":"search/","edition":null,"pages":0,"chunks":[],"groups":[],"indexes":[{"edition":2000,"src":"2000/search/index.js","page":null}]});
