print("zdsh")
