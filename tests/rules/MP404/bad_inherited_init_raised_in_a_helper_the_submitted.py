from concurrent.futures import ProcessPoolExecutor

class ConversionError(RuntimeError):
    def __init__(self, path, code, detail=""):
        RuntimeError.__init__(self, "cannot convert %s (exit %d) %s" % (path, code, detail))

class PdfError(ConversionError):
    pass

def run_tool(path):
    code = 3
    if code:
        raise PdfError(path, code)  # warning: MP404 13:9

def convert(path):
    try:
        run_tool(path)
    except ValueError:
        return None
    return path

def main(paths):
    with ProcessPoolExecutor() as ex:
        return [f.result() for f in [ex.submit(convert, p) for p in paths]]

if __name__ == "__main__":
    main(["a.pdf"])
