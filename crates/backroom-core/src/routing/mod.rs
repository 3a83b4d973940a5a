//! Pick routing. See the module docs of each method.
