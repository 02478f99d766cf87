from multiprocessing import Process

def export(table):
    print("exporting", table)

if __name__ == "__main__":
    p = Process(target=export, args=("users",))
    p.start()  # info: MP602 8:5
    print("export started")
