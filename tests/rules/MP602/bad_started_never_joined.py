from multiprocessing import Process

def export(table):
    print("exporting", table)

if __name__ == "__main__":
    p = Process(target=export, args=("users",))
    p.start()  # hint: MP602 8:5
    print("export started")
