print("benchserver")
