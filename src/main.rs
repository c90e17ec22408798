fn main() {
    undelete::start();
}
