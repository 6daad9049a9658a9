gk.index({"format":1,"dir":"2000/search/","edition":2000,"pages":0,"chunks":[],"groups":[]});
